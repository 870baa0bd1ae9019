-- Sessions recorded server-side: the sealed cookie carries the id, every authenticated request checks the row.
CREATE TABLE "user_session" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "user_agent" TEXT NOT NULL DEFAULT '',
    "client_address" TEXT NOT NULL DEFAULT '',
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "user_session_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "user_session_user_id_idx" ON "user_session"("user_id");

ALTER TABLE "user_session" ADD CONSTRAINT "user_session_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Sign-in throttling: one counter per key and fixed window, shared by every instance.
CREATE TABLE "auth_throttle" (
    "key" TEXT NOT NULL,
    "hits" INTEGER NOT NULL,
    "reset_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "auth_throttle_pkey" PRIMARY KEY ("key")
);

CREATE INDEX "auth_throttle_reset_at_idx" ON "auth_throttle"("reset_at");

-- The sweep takes due keys with FOR UPDATE SKIP LOCKED and a lease, and backs off keys that keep failing.
ALTER TABLE "storage_deletion" ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN "last_error" TEXT;

CREATE INDEX "storage_deletion_next_attempt_at_idx" ON "storage_deletion"("next_attempt_at");
