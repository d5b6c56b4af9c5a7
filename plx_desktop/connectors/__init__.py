"""Clients for the two remote systems (Salesforce, PeopleLinx) and the keyring that holds their secrets."""
