"""Users, enterprises, contracting authorities and roles."""
