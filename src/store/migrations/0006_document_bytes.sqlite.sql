-- Signed credentials are stored compressed (src/credentials/pack.c). SQLite keeps a BLOB in the
-- TEXT column as it is, so the column stays; older rows keep their JCS text and readers take both.
SELECT 1;
