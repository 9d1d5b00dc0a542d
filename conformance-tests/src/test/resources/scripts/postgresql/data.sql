INSERT INTO groomers (full_name)
SELECT 'Marta Lindqvist'
WHERE NOT EXISTS (SELECT * FROM groomers WHERE id = 1);

INSERT INTO groomers (full_name)
SELECT 'Theo Okafor'
WHERE NOT EXISTS (SELECT * FROM groomers WHERE id = 2);

INSERT INTO services (title, price_cents)
SELECT 'bath and brush', 3500
WHERE NOT EXISTS (SELECT * FROM services WHERE title = 'bath and brush');

INSERT INTO services (title, price_cents)
SELECT 'full groom', 6500
WHERE NOT EXISTS (SELECT * FROM services WHERE title = 'full groom');

INSERT INTO clients (first_name, last_name, address, city, phone)
SELECT 'Ingrid', 'Halvorsen', '14 Quarry Lane', 'Millbrook', '6085550141'
WHERE NOT EXISTS (SELECT * FROM clients WHERE phone = '6085550141');

INSERT INTO clients (first_name, last_name, address, city, phone)
SELECT 'Rafael', 'Quintero', '230 Orchard Row', 'Ashford', '6085550177'
WHERE NOT EXISTS (SELECT * FROM clients WHERE phone = '6085550177');

INSERT INTO clients (first_name, last_name, address, city, phone)
SELECT 'Priya', 'Natarajan', NULL, 'Millbrook', '6085550199'
WHERE NOT EXISTS (SELECT * FROM clients WHERE phone = '6085550199');

INSERT INTO dogs (name, breed, birth_date, client_id)
SELECT 'Biscuit', 'beagle', '2019-04-02', 1
WHERE NOT EXISTS (SELECT * FROM dogs WHERE id = 1);

INSERT INTO dogs (name, breed, birth_date, client_id)
SELECT 'Juniper', 'border collie', DATE '2021-11-23', 2
WHERE NOT EXISTS (SELECT * FROM dogs WHERE id = 2);

INSERT INTO dogs (name, breed, birth_date, client_id)
SELECT 'Pepper', 'poodle', '2016-07-15', 2
WHERE NOT EXISTS (SELECT * FROM dogs WHERE id = 3);

INSERT INTO appointments (dog_id, groomer_id, service_id, booked_on, description)
SELECT 1, 1, 1, '2024-05-06', 'nervous around dryers, use the quiet room'
WHERE NOT EXISTS (SELECT * FROM appointments WHERE id = 1);

INSERT INTO appointments (dog_id, groomer_id, service_id, booked_on, description)
SELECT 3, 2, 2, '2024-05-07', 'trim nails short, sensitive left paw'
WHERE NOT EXISTS (SELECT * FROM appointments WHERE id = 2);
