-- Signed credentials are stored compressed (src/credentials/pack.c): bytes, not text.
-- Rows written before keep their JCS text, now as its UTF-8 bytes; readers take both.
ALTER TABLE credentials ALTER COLUMN document TYPE BYTEA USING convert_to(document, 'UTF8');
