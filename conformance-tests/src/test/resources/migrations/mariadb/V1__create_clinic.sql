-- Clinic, MariaDB. Encrypted by the test's policy: patients.national_id (deterministic), patients.birth_date,
-- patients.notes and visits.diagnosis (randomized); V4 adds patients.phone (deterministic) and
-- visits.follow_up (randomized).

CREATE TABLE IF NOT EXISTS specialties (
  id   INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(60) NOT NULL UNIQUE
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS patients (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  first_name  VARCHAR(40) NOT NULL,
  last_name   VARCHAR(40) NOT NULL,
  national_id VARCHAR(20) NOT NULL,
  birth_date  DATE,
  notes       VARCHAR(255),
  created_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT patients_national_id_key UNIQUE (national_id),
  INDEX (last_name)
) ENGINE=InnoDB COMMENT='one row per patient; national_id is encrypted deterministically for lookups';
CREATE INDEX IF NOT EXISTS patients_created_at_idx ON patients (created_at);

CREATE TABLE IF NOT EXISTS visits (
  id           INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  patient_id   INT UNSIGNED NOT NULL,
  specialty_id INT UNSIGNED,
  visit_date   DATE NOT NULL,
  diagnosis    VARCHAR(255),
  CONSTRAINT visits_patient_fk FOREIGN KEY (patient_id) REFERENCES patients (id) ON DELETE CASCADE,
  CONSTRAINT visits_specialty_fk FOREIGN KEY (specialty_id) REFERENCES specialties (id),
  CONSTRAINT visits_date_check CHECK (visit_date > '2000-01-01')
) ENGINE=InnoDB;
CREATE INDEX IF NOT EXISTS visits_visit_date_idx ON visits (visit_date);
