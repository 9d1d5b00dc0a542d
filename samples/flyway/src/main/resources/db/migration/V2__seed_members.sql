INSERT INTO members (first_name, last_name, email, birth_date)
VALUES ('Ada', 'Lovelace', 'ada@example.org', DATE '1815-12-10');

INSERT INTO members (first_name, last_name, email, birth_date)
SELECT 'Alan', 'Turing', 'alan@example.org', DATE '1912-06-23'
WHERE NOT EXISTS (SELECT * FROM members WHERE email = 'alan@example.org');
