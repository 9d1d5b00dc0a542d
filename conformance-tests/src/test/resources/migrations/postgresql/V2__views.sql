CREATE OR REPLACE VIEW patient_directory AS
  SELECT p.id, p.last_name, p.national_id FROM patients p;

CREATE OR REPLACE VIEW visit_counts AS
  SELECT v.patient_id, count(*) AS visits, count(v.diagnosis) AS diagnosed
  FROM visits v GROUP BY v.patient_id;
