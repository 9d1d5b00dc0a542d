# executable and version comments: the server runs their content, JSqlParser skips it
!UPDATE {t} SET note = '{m0}' /*M!, name = '{m1}' */ WHERE id = 1
!UPDATE {t} SET note = '{m0}' /*!, ssn = '{m1}' */ WHERE id = 1
!UPDATE {t} SET note = '{m0}' /*!50000 , ssn = '{m1}' */ WHERE id = 1
!UPDATE {t} SET note = '{m0}' /*!40101 , ssn = '{m1}' */ WHERE id = 1
!UPDATE {t} SET note = '{m0}' /*M!100100 , ssn = '{m1}' */ WHERE id = 1
UPDATE {t} SET note = '{m0}' /*M!999999 , ssn = '{m1}' */ WHERE id = 1
UPDATE {t} SET note = '{m0}' /*!50700 , ssn = '{m1}' */ WHERE id = 1
!DELETE FROM {t} WHERE id = 0 /*!50000 OR ssn = '{m1}' */
!DELETE FROM {t} WHERE id = 0 /*!OR name = '{m1}' */
!UPDATE /*!50000{t}*/ SET ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET note = '{m0}' /*! /* inner */ , ssn = '{m1}' */ WHERE id = 1
!INSERT INTO {t} (id, note /*!, ssn */) VALUES (3, '{m0}' /*!, '{m1}' */)
!INSERT INTO {t} (id /*!50000, ssn*/) VALUES (3 /*!50000, '{m1}'*/)
UPDATE {t} SET note = '{m0}' /*!*/ , ssn = '{m1}' WHERE id = 1
# optimizer hints are plain comments to MariaDB 10.11
UPDATE /*+ NO_RANGE_OPTIMIZATION(t) */ {t} SET ssn = '{m1}' WHERE id = 1
SELECT /*+ MAX_EXECUTION_TIME(1000) */ id FROM {t} WHERE ssn = '{m1}'
# -- without a blank: minus minus
!UPDATE {t} SET note = '{m0}' --1, ssn = '{m1}'⏎ WHERE id = 1
!UPDATE {t} SET note = 2 --1, ssn = '{m1}'⏎ WHERE id = 1
!UPDATE {t} SET note = 2--1, name = '{m1}' WHERE id = 1
!DELETE FROM {t} WHERE id = 0 --1 OR ssn = '{m1}'⏎
UPDATE {t} SET note = '{m0}' -- , ssn = '{m1}'⏎ WHERE id = 1
UPDATE {t} SET note = '{m0}' --	, ssn = '{m1}'⏎ WHERE id = 1
UPDATE {t} SET note = '{m0}', ssn = '{m1}' WHERE id = 1 --
# # comments: to a line feed, not a carriage return
!UPDATE {t} SET note = '{m0}' #⏎, ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET note = '{m0}' # x⏎, name = '{m1}' WHERE id = 1
UPDATE {t} SET note = '{m0}' # x, ssn = '{m1}'⏎ WHERE id = 1
!UPDATE {t} SET note = '{m0}' # x , name = 'y' , ssn = '{m2}'⏎, name = '{m1}' WHERE id = 1
# block comments do not nest
!UPDATE {t} SET note = '{m0}' /* /* */ , ssn = '{m1}' WHERE id = 1
UPDATE {t} SET note = '{m0}' /* a */ , ssn = '{m1}' /* b */ WHERE id = 1
# backslashes: escapes unless NO_BACKSLASH_ESCAPES
!UPDATE {t} SET note = 'a\'', ssn = '{m1}' -- '⏎WHERE id = 1
!UPDATE {t} SET note = 'a\\', ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET note = 'a\', ssn = '{m1}' -- ', ssn = 'x'⏎WHERE id = 1
!UPDATE {t} SET note = 'x\', ssn = '{m1}', note = '\' WHERE id = 1
!UPDATE {t} SET note = '\\\', ssn = ''{m2}', ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET note = "a\"", ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET note = 'a\'s', name = '{m1}' WHERE id = 1
!UPDATE {t} SET ssn = 'a\'{m1}' WHERE id = 1
!UPDATE {t} SET ssn = '{m1}\n' WHERE id = 1
!UPDATE {t} SET ssn = '{m1}\\' WHERE id = 1
!UPDATE {t} SET ssn = '{m1}\%' WHERE id = 1
!UPDATE {t} SET name = '\{m1}' WHERE id = 1
DELETE FROM {t} WHERE ssn = 'x\' OR ssn = ''{m1}' -- '
# double quotes: a string, or an identifier under ANSI_QUOTES
!UPDATE {t} SET note = "{m0}", ssn = "{m1}" WHERE id = 1
!UPDATE {t} SET note = '{m0}', "ssn" = '{m1}' WHERE id = 1
!UPDATE {t} SET ssn = "{m1}" WHERE id = 1
!UPDATE {t} SET note = "a'b", ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET note = 'a"b', ssn = "{m1}" WHERE id = 1
!UPDATE {t} SET note = "a""b", ssn = '{m1}' WHERE id = 1
!DELETE FROM {t} WHERE ssn = "{m1}"
# backquotes
!UPDATE `{t}` SET `ssn` = '{m1}' WHERE `id` = 1
!UPDATE {t} SET `note` = '{m0}', `ssn` = '{m1}' WHERE id = 1
UPDATE {t} SET `ss``n` = '{m1}' WHERE id = 1
!UPDATE {t} SET note = '`', ssn = '{m1}', note = '`' WHERE id = 1
# introducers, national, hex and bit strings
!UPDATE {t} SET ssn = _utf8'{m1}' WHERE id = 1
!UPDATE {t} SET ssn = _utf8mb4'{m1}' WHERE id = 1
!UPDATE {t} SET ssn = _latin1'{m1}' WHERE id = 1
!UPDATE {t} SET ssn = _binary'{m1}' WHERE id = 1
!UPDATE {t} SET ssn = _latin1 '{m1}' WHERE id = 1
!UPDATE {t} SET ssn = _latin1 /* c */ '{m1}' WHERE id = 1
!UPDATE {t} SET ssn = N'{m1}' WHERE id = 1
!UPDATE {t} SET ssn = n'{m1}' WHERE id = 1
!DELETE FROM {t} WHERE ssn = _utf8mb4'{m1}'
!DELETE FROM {t} WHERE name = N'{m1}' COLLATE utf8mb3_general_ci
# adjacent literals are joined: the marker split in two
!UPDATE {t} SET ssn = '{m1}' 'Z' WHERE id = 1
!UPDATE {t} SET ssn = '{m1}' /* c */ 'Z' WHERE id = 1
!UPDATE {t} SET ssn = _utf8'{m1}' 'Z' WHERE id = 1
!UPDATE {t} SET ssn = '{m1}' "Z" WHERE id = 1
# comment and string openers inside strings and comments
!UPDATE {t} SET note = '/*', ssn = '{m1}', note = '*/' WHERE id = 1
!UPDATE {t} SET note = '--', ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET note = '#', ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET note = '/*!', ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET ssn = '{m1}' /* ' */ WHERE id = 1
!UPDATE {t} SET ssn = '{m1}' -- '⏎ WHERE id = 1
!UPDATE {t} SET ssn = '{m1}' # '⏎ WHERE id = 1
# statement boundaries
!UPDATE {t} SET note = '{m0}' WHERE id = 1; UPDATE {t} SET ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET note = 'a;b', ssn = '{m1}' WHERE id = 1
UPDATE {t} SET note = '{m0}' WHERE id = 1 /*!; UPDATE {t} SET ssn = '{m1}' WHERE id = 1 */
!SELECT 1; UPDATE {t} SET ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET note = '{m0}'⏎⏎⏎, ssn = '{m1}' WHERE id = 1
UPDATE {t} SET note = '{m0}'⏎/⏎, ssn = '{m1}' WHERE id = 1
UPDATE {t} SET note = '{m0}', ssn = '{m1}' WHERE id = 1␀ OR 1 = 1
UPDATE {t} SET note = '{m0}␀', ssn = '{m1}' WHERE id = 1
# unterminated text
UPDATE {t} SET note = '{m0}', ssn = '{m1}
UPDATE {t} SET note = '{m0}', ssn = '{m1}' /* open
UPDATE {t} SET note = '{m0}' /*! , ssn = '{m1}'
# parameters and placeholders
UPDATE {t} SET ssn = '{m1}' WHERE id = ?
UPDATE {t} SET note = '?', ssn = '{m1}' WHERE id = 1
UPDATE {t} SET note = '{m0}' /* ? */, ssn = '{m1}' WHERE id = 1
UPDATE {t} SET note = '{m0}' --1 ?⏎, ssn = '{m1}' WHERE id = 1
UPDATE {t} SET note = '{m0}' /*/ ? */, ssn = '{m1}' WHERE id = 1
# non-ASCII next to backslashes and backquotes
!UPDATE {t} SET note = '中\', ssn = '{m1}' -- '⏎WHERE id = 1
!UPDATE {t} SET note = 'é', ssn = '{m1}' WHERE id = 1
# table name spellings and SQL built at run time
!UPDATE {t} /*!50000 */ SET ssn = '{m1}' WHERE id = 1
!UPDATE `{t}` SET ssn = '{m1}' WHERE id = 1
!EXECUTE IMMEDIATE CONCAT('UPDATE {t1}', '{t2} SET ssn = ''{m1}'' WHERE id = 1')
!EXECUTE IMMEDIATE 'UPDATE {t} SET ssn = ''{m1}'' WHERE id = 1'
!PREPARE lexs FROM CONCAT('UPDATE {t1}', '{t2} SET ssn = ''{m1}'' WHERE id = 1'); EXECUTE lexs
# plain statements Cloak must accept and encrypt
!UPDATE {t} SET note = '{m0}', ssn = '{m1}', name = '{m2}' WHERE id = 1
!INSERT INTO {t} (id, note, ssn, name) VALUES (3, '{m0}', '{m1}', '{m2}')
!INSERT INTO {t} (id, note, ssn) VALUES (3, 'it''s', 'it''s{m1}')
!DELETE FROM {t} WHERE ssn = '{m1}'
!UPDATE {t} SET note = 'x' WHERE ssn = '{m1}' OR name = '{m2}'
