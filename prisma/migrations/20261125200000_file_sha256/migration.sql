-- AlterTable
ALTER TABLE "chat_conversation_file" ADD COLUMN     "sha256" TEXT;

-- The SHA-256 an uploader declared, base64 of the 32 bytes as S3 writes x-amz-checksum-sha256; null when
-- none was declared. Only that form is ever stored.
ALTER TABLE "chat_conversation_file" ADD CONSTRAINT "chat_conversation_file_sha256_check" CHECK ("sha256" ~ '^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$');
