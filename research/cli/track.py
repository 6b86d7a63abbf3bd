"""`research track`: segment sizes, profiles and typing accuracy across survey waves."""
