"""Public intake: reporting without an account (issue 4). Pure modules first."""
