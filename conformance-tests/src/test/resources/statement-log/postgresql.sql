# dollar quotes: tagged, untagged, and $ inside identifiers
!UPDATE {t} SET note = $q$ -- $q$, ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET note = $q$ /* $q$, ssn = '{m1}' /* */ WHERE id = 1
!UPDATE {t} SET note = $a$ $b$ $a$, ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET note = $$ -- $$, ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET note = $$'$$, ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET ssn = $$'{m1}$$ WHERE id = 1
!UPDATE {t} SET ssn = $x${m1}$x$ WHERE id = 1
!UPDATE {t} SET note = $_$ ' $_$, ssn = '{m1}' WHERE id = 1
!DELETE FROM {t} WHERE note = $q$ -- $q$ OR ssn = '{m1}'
!UPDATE {t} SET note = 'a$q$', ssn = '{m1}' WHERE id = 1
# -- comments need no blank; block comments nest
UPDATE {t} SET note = '{m0}' --, ssn = '{m1}'⏎ WHERE id = 1
UPDATE {t} SET note = '{m0}' --1, ssn = '{m1}'⏎ WHERE id = 1
!UPDATE {t} SET note = 1 -- x⏎, ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET note = '{m0}' /* /* */ */ , ssn = '{m1}' WHERE id = 1
UPDATE {t} SET note = '{m0}' /* /* */ , ssn = '{m1}' */ WHERE id = 1
!UPDATE {t} SET note = '{m0}' /* a /* b */ c */ , name = '{m1}' WHERE id = 1
!DELETE FROM {t} WHERE id = 0 /* /* */ */ OR ssn = '{m1}'
!UPDATE {t} SET note = '{m0}' /*+ hint */, ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET note = '{m0}', ssn = '{m1}' /* ' */ WHERE id = 1
# // is a comment to JSqlParser and no operator to PostgreSQL
UPDATE {t} SET note = 3 //2⏎, ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET note = 3 +--x⏎1, ssn = '{m1}' WHERE id = 1
# backslashes: standard_conforming_strings, E'' strings
!UPDATE {t} SET note = 'a\', ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET note = 'a\', ssn = '{m1}', name = '\' WHERE id = 1
!UPDATE {t} SET note = 'a\'', ssn = '{m1}' -- '⏎WHERE id = 1
!UPDATE {t} SET note = E'a\'', ssn = '{m1}' -- '⏎WHERE id = 1
!UPDATE {t} SET note = E'a\\', ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET ssn = E'{m1}\x41' WHERE id = 1
!UPDATE {t} SET ssn = E'\u0041{m1}' WHERE id = 1
!UPDATE {t} SET ssn = e'{m1}\t' WHERE id = 1
!UPDATE {t} SET ssn = E'{m1}\101' WHERE id = 1
!UPDATE {t} SET ssn = '{m1}\n' WHERE id = 1
!DELETE FROM {t} WHERE ssn = E'{m1}'
!DELETE FROM {t} WHERE note = 'x\' OR ssn = '{m1}' OR note = '\'
# U& strings and identifiers, N'', B'', X''
!UPDATE {t} SET U&"\0073sn" = '{m1}' WHERE id = 1
!UPDATE {t} SET U&"!0073sn" UESCAPE '!' = '{m1}' WHERE id = 1
!UPDATE {t} SET ssn = U&'{m1}\0041' WHERE id = 1
!UPDATE {t} SET ssn = U&'{m1}' WHERE id = 1
!UPDATE {t} SET ssn = N'{m1}' WHERE id = 1
!UPDATE {t} SET ssn = n'{m1}' WHERE id = 1
UPDATE {t} SET note = B'0101', ssn = '{m1}' WHERE id = 1
UPDATE {t} SET note = X'0A', ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET note = '{m0}', "ssn" = '{m1}' WHERE id = 1
!UPDATE "{t}" SET "name" = '{m1}' WHERE "id" = 1
!UPDATE {t} SET note = '"', ssn = '{m1}', name = '"' WHERE id = 1
# quote continuation over a line break
!UPDATE {t} SET ssn = '{m1}'⏎'Z' WHERE id = 1
!UPDATE {t} SET ssn = '{m1}' -- c⏎ 'Z' WHERE id = 1
!UPDATE {t} SET note = 'a'⏎', ssn = ''{m2}''', ssn = '{m1}' WHERE id = 1
UPDATE {t} SET ssn = '{m1}' 'Z' WHERE id = 1
# parameters: ??, $1
UPDATE {t} SET note = '{m0}' WHERE id = 1 AND note ?? 'x'
UPDATE {t} SET ssn = $1 WHERE id = 1
UPDATE {t} SET note = '{m0}' /*/ ? */, ssn = '{m1}' WHERE id = 1
UPDATE {t} SET note = '?', ssn = '{m1}' WHERE id = 1
# statement boundaries
!UPDATE {t} SET note = '{m0}' WHERE id = 1; UPDATE {t} SET ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET note = 'a;b', ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET note = '{m0}'⏎⏎⏎, ssn = '{m1}' WHERE id = 1
UPDATE {t} SET note = '{m0}'⏎go⏎, ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET note = $q$;$q$, ssn = '{m1}' WHERE id = 1
!SELECT 1; DELETE FROM {t} WHERE ssn = '{m1}'
# unterminated text
UPDATE {t} SET note = '{m0}', ssn = '{m1}
UPDATE {t} SET note = '{m0}', ssn = '{m1}' /* open /* */
UPDATE {t} SET note = $q$ {m0}, ssn = '{m1}'
# SQL built at run time
!DO $$ BEGIN EXECUTE 'UPDATE {t1}' || '{t2} SET ssn = ''{m1}'' WHERE id = 1'; END $$
!DO $$ BEGIN UPDATE {t} SET ssn = '{m1}' WHERE id = 1; END $$
# plain statements Cloak must accept and encrypt
!UPDATE {t} SET note = '{m0}', ssn = '{m1}', name = '{m2}' WHERE id = 1
!INSERT INTO {t} (id, note, ssn, name) VALUES (3, '{m0}', '{m1}', '{m2}')
!INSERT INTO {t} (id, ssn) VALUES (3, 'it''s{m1}')
!DELETE FROM {t} WHERE ssn = '{m1}'
!UPDATE {t} SET note = 'x' WHERE ssn = '{m1}' OR name = '{m2}'
