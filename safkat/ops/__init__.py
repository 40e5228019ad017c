"""Operations on a whole instance: backup, restore, checks after a crash or a restore."""
