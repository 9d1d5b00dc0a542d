INSERT IGNORE INTO groomers VALUES (1, 'Marta Lindqvist');
INSERT IGNORE INTO groomers VALUES (2, 'Theo Okafor');

INSERT IGNORE INTO services VALUES (1, 'bath and brush', 3500);
INSERT IGNORE INTO services VALUES (2, 'full groom', 6500);

INSERT INTO clients (first_name, last_name, address, city, phone)
SELECT 'Ingrid', 'Halvorsen', '14 Quarry Lane', 'Millbrook', '6085550141' FROM DUAL
WHERE NOT EXISTS (SELECT * FROM clients WHERE phone = '6085550141');

INSERT INTO clients (first_name, last_name, address, city, phone)
SELECT 'Rafael', 'Quintero', '230 Orchard Row', 'Ashford', '6085550177' FROM DUAL
WHERE NOT EXISTS (SELECT * FROM clients WHERE phone = '6085550177');

INSERT INTO clients (first_name, last_name, address, city, phone)
SELECT 'Priya', 'Natarajan', NULL, 'Millbrook', '6085550199' FROM DUAL
WHERE NOT EXISTS (SELECT * FROM clients WHERE phone = '6085550199');

INSERT IGNORE INTO dogs VALUES (1, 'Biscuit', 'beagle', '2019-04-02', 1);
INSERT IGNORE INTO dogs VALUES (2, 'Juniper', 'border collie', '2021-11-23', 2);
INSERT IGNORE INTO dogs VALUES (3, 'Pepper', 'poodle', '2016-07-15', 2);

INSERT IGNORE INTO appointments VALUES (1, 1, 1, 1, '2024-05-06', 'nervous around dryers, use the quiet room');
INSERT IGNORE INTO appointments VALUES (2, 3, 2, 2, '2024-05-07', 'trim nails short, sensitive left paw');
