-- Tables of Chainlit's SQLAlchemyDataLayer, the same on SQLite and PostgreSQL (it never creates them).
-- Created by assistant.chatdb.ensure_schema when the chat window starts.
CREATE TABLE IF NOT EXISTS users (
  "id" TEXT PRIMARY KEY, "identifier" TEXT NOT NULL UNIQUE, "metadata" TEXT NOT NULL, "createdAt" TEXT);
CREATE TABLE IF NOT EXISTS threads (
  "id" TEXT PRIMARY KEY, "createdAt" TEXT, "name" TEXT, "userId" TEXT, "userIdentifier" TEXT,
  "tags" TEXT, "metadata" TEXT,
  FOREIGN KEY ("userId") REFERENCES users("id") ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS steps (
  "id" TEXT PRIMARY KEY, "name" TEXT NOT NULL, "type" TEXT NOT NULL, "threadId" TEXT NOT NULL,
  "parentId" TEXT, "streaming" BOOLEAN NOT NULL, "waitForAnswer" BOOLEAN, "isError" BOOLEAN,
  "metadata" TEXT, "tags" TEXT, "input" TEXT, "output" TEXT, "createdAt" TEXT, "command" TEXT,
  "start" TEXT, "end" TEXT, "generation" TEXT, "showInput" TEXT, "language" TEXT, "indent" INT,
  "defaultOpen" BOOLEAN, "autoCollapse" BOOLEAN, "modes" TEXT, "icon" TEXT,
  FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS elements (
  "id" TEXT PRIMARY KEY, "threadId" TEXT, "type" TEXT, "url" TEXT, "chainlitKey" TEXT, "name" TEXT NOT NULL,
  "display" TEXT, "objectKey" TEXT, "size" TEXT, "page" INT, "language" TEXT, "forId" TEXT, "mime" TEXT,
  "props" TEXT, "autoPlay" BOOLEAN, "playerConfig" TEXT, "path" TEXT,
  FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS feedbacks (
  "id" TEXT PRIMARY KEY, "forId" TEXT NOT NULL, "threadId" TEXT NOT NULL, "value" INT NOT NULL, "comment" TEXT,
  FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE);
-- The assistant's own tables (assistant/chatdb.py): every answer given, and each brief.
CREATE TABLE IF NOT EXISTS pa_answers (
  "messageId" TEXT PRIMARY KEY, "threadId" TEXT NOT NULL, "userIdentifier" TEXT,
  "question" TEXT NOT NULL, "answer" TEXT NOT NULL, "createdAt" TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS pa_answers_thread ON pa_answers ("threadId", "createdAt");
CREATE TABLE IF NOT EXISTS pa_brief (
  "threadId" TEXT NOT NULL, "messageId" TEXT NOT NULL, "addedAt" TEXT NOT NULL,
  PRIMARY KEY ("threadId", "messageId"));
