-- Grooming salon, MariaDB: safe to run at every start (IF NOT EXISTS, seed rows guarded or ignored).
-- Encrypted by the test's policy: clients.phone (deterministic), clients.address, clients.city,
-- dogs.birth_date and appointments.description (randomized).

CREATE TABLE IF NOT EXISTS groomers (
  id        INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  full_name VARCHAR(80) NOT NULL
) engine=InnoDB;

CREATE TABLE IF NOT EXISTS services (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  title       VARCHAR(80) NOT NULL UNIQUE,
  price_cents INT NOT NULL
) engine=InnoDB;

CREATE TABLE IF NOT EXISTS clients (
  id         INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  first_name VARCHAR(30),
  last_name  VARCHAR(30),
  address    VARCHAR(255),
  city       VARCHAR(80),
  phone      VARCHAR(20),
  INDEX (last_name),
  INDEX (phone)
) engine=InnoDB;

CREATE TABLE IF NOT EXISTS dogs (
  id         INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name       VARCHAR(30) NOT NULL,
  breed      VARCHAR(40),
  birth_date DATE,
  client_id  INT UNSIGNED,
  FOREIGN KEY (client_id) REFERENCES clients (id)
) engine=InnoDB;
CREATE INDEX IF NOT EXISTS dogs_name_idx ON dogs (name);

CREATE TABLE IF NOT EXISTS appointments (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  dog_id      INT UNSIGNED NOT NULL,
  groomer_id  INT UNSIGNED,
  service_id  INT UNSIGNED,
  booked_on   DATE NOT NULL,
  description VARCHAR(255),
  FOREIGN KEY (dog_id) REFERENCES dogs (id),
  FOREIGN KEY (groomer_id) REFERENCES groomers (id)
) engine=InnoDB;
CREATE INDEX IF NOT EXISTS appointments_booked_on ON appointments (booked_on);

-- a column named settings, which JSqlParser takes for a keyword
CREATE TABLE IF NOT EXISTS dog_settings (
  dog_id   INT UNSIGNED NOT NULL PRIMARY KEY,
  settings JSON,
  FOREIGN KEY (dog_id) REFERENCES dogs (id)
) engine=InnoDB;

CREATE SEQUENCE IF NOT EXISTS invoice_numbers START WITH 1000;

CREATE OR REPLACE VIEW client_contacts AS
  SELECT c.id, c.last_name, c.phone, c.city FROM clients c;

ANALYZE TABLE clients;
OPTIMIZE TABLE dogs;
