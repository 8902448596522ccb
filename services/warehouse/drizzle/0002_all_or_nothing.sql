-- Raises SQLSTATE WR001 unless `ok`, which rolls back the whole statement that called it: a
-- batch of reservations written by ONE statement (its data-modifying CTEs) is then all or
-- nothing without BEGIN and COMMIT round trips. VOLATILE, so it is never folded at plan time.
CREATE FUNCTION "warehouse"."all_or_nothing"(ok boolean, message text) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF NOT ok THEN
    RAISE EXCEPTION USING ERRCODE = 'WR001', MESSAGE = message;
  END IF;
  RETURN true;
END;
$$;
