ALTER TABLE members ADD COLUMN phone VARCHAR(20);
UPDATE members SET phone = '+44 20 7946 0018' WHERE email = 'ada@example.org';
