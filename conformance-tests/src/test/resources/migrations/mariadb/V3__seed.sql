INSERT INTO specialties (name) VALUES ('cardiology'), ('dermatology');

INSERT INTO patients (first_name, last_name, national_id, birth_date, notes)
SELECT 'Maren', 'Ostby', 'NO-19840312', DATE '1984-03-12', 'penicillin allergy' FROM DUAL
WHERE NOT EXISTS (SELECT * FROM patients WHERE national_id = 'NO-19840312');

INSERT INTO patients (first_name, last_name, national_id, birth_date, notes)
SELECT 'Tomas', 'Reyes', 'ES-19900521', '1990-05-21', NULL FROM DUAL
WHERE NOT EXISTS (SELECT * FROM patients WHERE national_id = 'ES-19900521');

INSERT INTO patients (first_name, last_name, national_id, birth_date, notes)
VALUES ('Ayo', 'Adeyemi', 'NG-19771130', '1977-11-30', 'prefers morning appointments');

INSERT INTO visits (patient_id, specialty_id, visit_date, diagnosis)
SELECT p.id, 1, DATE '2024-02-14', 'mild arrhythmia' FROM patients p WHERE p.last_name = 'Ostby';

INSERT INTO visits (patient_id, specialty_id, visit_date, diagnosis)
SELECT p.id, 2, DATE '2024-03-01', 'contact dermatitis' FROM patients p WHERE p.last_name = 'Adeyemi';

ANALYZE TABLE patients;
