# // and nested block comments
UPDATE {t} SET note = '{m0}' // , ssn = '{m1}'⏎ WHERE id = 1
!UPDATE {t} SET note = '{m0}' /* /* */ */ , ssn = '{m1}' WHERE id = 1
UPDATE {t} SET note = '{m0}' /* /* */ , ssn = '{m1}' */ WHERE id = 1
!UPDATE {t} SET note = '{m0}' --x⏎, ssn = '{m1}' WHERE id = 1
# strings joined across white space and comments
!UPDATE {t} SET ssn = '{m1}' 'Z' WHERE id = 1
!UPDATE {t} SET ssn = '{m1}' /* c */ 'Z' WHERE id = 1
!UPDATE {t} SET ssn = '{m1}' // c⏎ 'Z' WHERE id = 1
UPDATE {t} SET ssn = '{m1}' -- c⏎ 'Z' WHERE id = 1
!UPDATE {t} SET note = 'a' ', ssn = ''{m2}''', ssn = '{m1}' WHERE id = 1
# $$ strings and $ parameters
!UPDATE {t} SET note = $$ -- $$, ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET ssn = $${m1}$$ WHERE id = 1
UPDATE {t} SET ssn = $ WHERE id = 1
# no backslash escapes
!UPDATE {t} SET note = 'a\', ssn = '{m1}' WHERE id = 1
!UPDATE {t} SET ssn = '{m1}\' WHERE id = 1
# unicode, national, binary strings; quoted identifiers
!UPDATE {t} SET U&"\0053SN" = '{m1}' WHERE id = 1
!UPDATE {t} SET ssn = U&'{m1}\0041' WHERE id = 1
!UPDATE {t} SET ssn = N'{m1}' WHERE id = 1
!UPDATE {t} SET "SSN" = '{m1}' WHERE id = 1
!UPDATE {t} SET `ssn` = '{m1}' WHERE id = 1
UPDATE {t} SET note = '??(', ssn = '{m1}' WHERE id = 1
# statement boundaries and unterminated text
!UPDATE {t} SET note = '{m0}' WHERE id = 1; UPDATE {t} SET ssn = '{m1}' WHERE id = 1
UPDATE {t} SET note = '{m0}', ssn = '{m1}
# names H2 folds
!UPDATE {t} SET ſsn = '{m1}' WHERE id = 1
# SQL built at run time
!EXECUTE IMMEDIATE 'UPDATE {t1}' || '{t2} SET ssn = ''{m1}'' WHERE id = 1'
# plain statements Cloak must accept and encrypt
!UPDATE {t} SET note = '{m0}', ssn = '{m1}', name = '{m2}' WHERE id = 1
!INSERT INTO {t} (id, note, ssn, name) VALUES (3, '{m0}', '{m1}', '{m2}')
!DELETE FROM {t} WHERE ssn = '{m1}'
