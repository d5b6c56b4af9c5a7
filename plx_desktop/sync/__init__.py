"""The sync engine: runs the active profile's steps between Salesforce and PeopleLinx. No Qt."""
