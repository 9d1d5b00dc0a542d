INSERT INTO groomers VALUES (default, 'Marta Lindqvist');
INSERT INTO groomers VALUES (default, 'Theo Okafor');

INSERT INTO services VALUES (default, 'bath and brush', 3500);
INSERT INTO services VALUES (default, 'full groom', 6500);

INSERT INTO clients VALUES (default, 'Ingrid', 'Halvorsen', '14 Quarry Lane', 'Millbrook', '6085550141');
INSERT INTO clients VALUES (default, 'Rafael', 'Quintero', '230 Orchard Row', 'Ashford', '6085550177');
INSERT INTO clients VALUES (default, 'Priya', 'Natarajan', NULL, 'Millbrook', '6085550199');

INSERT INTO dogs VALUES (default, 'Biscuit', 'beagle', '2019-04-02', 1);
INSERT INTO dogs VALUES (default, 'Juniper', 'border collie', DATE '2021-11-23', 2);
INSERT INTO dogs VALUES (default, 'Pepper', 'poodle', '2016-07-15', 2);

INSERT INTO appointments VALUES (default, 1, 1, 1, '2024-05-06', 'nervous around dryers, use the quiet room');
INSERT INTO appointments VALUES (default, 3, 2, 2, '2024-05-07', 'trim nails short, sensitive left paw');
