-- Expired sign-in throttling rows are deleted by their window start.
CREATE INDEX login_throttle_window ON login_throttle (window_start);
