"""The Qt desktop application: the Integrations page, step settings, the Log tab."""
