ALTER TABLE patients ADD COLUMN phone VARCHAR(20);
CREATE INDEX IF NOT EXISTS patients_phone_idx ON patients (phone);
ALTER TABLE visits ADD COLUMN IF NOT EXISTS follow_up VARCHAR(255);

UPDATE patients SET phone = '4791234567' WHERE national_id = 'NO-19840312';
UPDATE patients SET phone = '3461234567' WHERE national_id = 'ES-19900521';
UPDATE visits SET follow_up = 'repeat ECG in six months' WHERE diagnosis IS NOT NULL AND specialty_id = 1;
