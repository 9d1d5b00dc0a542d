ALTER TABLE members ADD COLUMN phone VARCHAR(20);
UPDATE members SET phone = '5550100' WHERE name = 'Ada Byron';
