-- Small renditions of image files, for the web UI's file list. Stored next to the file's object, at
-- "<object_key>.thumb.webp"; null until made, 'ready' once stored, 'unavailable' when the image cannot be read.
ALTER TABLE "chat_conversation_file" ADD COLUMN "thumbnail" TEXT;
ALTER TABLE "chat_conversation_file" ADD CONSTRAINT "chat_conversation_file_thumbnail_check"
    CHECK ("thumbnail" IN ('ready', 'unavailable'));

-- A deleted file row now also leaves its thumbnail's key behind, for every image whatever its state: a
-- thumbnail being written while its file is deleted is then still removed (deleting a missing object succeeds).
CREATE OR REPLACE FUNCTION "chat_conversation_file_record_deletion"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "storage_deletion" ("object_key") VALUES (OLD."object_key") ON CONFLICT DO NOTHING;
    IF OLD."thumbnail" IS NOT NULL OR OLD."type" LIKE 'image/%' THEN
        INSERT INTO "storage_deletion" ("object_key") VALUES (OLD."object_key" || '.thumb.webp') ON CONFLICT DO NOTHING;
    END IF;
    RETURN OLD;
END
$$;
