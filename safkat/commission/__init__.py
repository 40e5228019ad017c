"""The opening and evaluation commission of a tender: its members, its opening session,
what it reads of the opened bids, and the missing documents it asks bidders for."""
