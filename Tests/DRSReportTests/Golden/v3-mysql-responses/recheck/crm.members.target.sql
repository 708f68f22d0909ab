SELECT * FROM `crm`.`members` WHERE `id` IN ('100082', '100253', '100295', '100336', '100387');
-- 5 inconsistent rows in 1 statement
