"""Local HTTPS stand-ins for Salesforce and PeopleLinx, with demo data and fault injection.

The sandbox imports nothing of the app: it plays two remote services and must stay honest about it.
"""
