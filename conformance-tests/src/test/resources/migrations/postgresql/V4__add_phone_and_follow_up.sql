ALTER TABLE patients ADD COLUMN phone VARCHAR(20);
CREATE INDEX ON patients (phone);
ALTER TABLE visits ADD COLUMN IF NOT EXISTS follow_up TEXT;

UPDATE patients SET phone = '4791234567' WHERE national_id = 'NO-19840312';
UPDATE patients SET phone = '3461234567' WHERE national_id = 'ES-19900521';
UPDATE visits SET follow_up = 'repeat ECG in six months' WHERE diagnosis IS NOT NULL AND specialty_id = 1;
