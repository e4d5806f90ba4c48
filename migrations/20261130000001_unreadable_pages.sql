-- The pages of a converted document that could not be read (damaged or
-- missing content, a page the file declares but its page tree does not
-- hold): the document is ready with the rest, and says which pages lack
-- their text. Empty for a document read whole.
ALTER TABLE documents ADD COLUMN unreadable_pages integer[] NOT NULL DEFAULT '{}';
