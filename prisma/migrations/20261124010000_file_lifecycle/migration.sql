-- AlterTable
ALTER TABLE "chat_conversation_file" ADD COLUMN     "completed_at" TIMESTAMPTZ(3) DEFAULT CURRENT_TIMESTAMP;

-- Files that existed before direct uploads were complete when they were stored.
UPDATE "chat_conversation_file" SET "completed_at" = "created_at";

-- CreateTable
CREATE TABLE "storage_deletion" (
    "object_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "storage_deletion_pkey" PRIMARY KEY ("object_key")
);

-- CreateIndex
CREATE INDEX "chat_conversation_file_completed_at_created_at_idx" ON "chat_conversation_file"("completed_at", "created_at");

-- Every deleted file row leaves its object key behind in "storage_deletion", in the same transaction:
-- deleting a file, a chat (cascade), a user (cascade) or a stale upload can never orphan an object.
-- The app deletes the objects right after, and the sweep retries whatever storage did not confirm.
CREATE FUNCTION "chat_conversation_file_record_deletion"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "storage_deletion" ("object_key") VALUES (OLD."object_key") ON CONFLICT DO NOTHING;
    RETURN OLD;
END
$$;

CREATE TRIGGER "chat_conversation_file_record_deletion"
    AFTER DELETE ON "chat_conversation_file"
    FOR EACH ROW EXECUTE FUNCTION "chat_conversation_file_record_deletion"();
