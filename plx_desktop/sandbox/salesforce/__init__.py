"""The Salesforce stand-in: a local HTTPS server speaking the Salesforce REST wire protocol."""
