"""The PeopleLinx stand-in: the API this project defines in docs/peoplelinx-openapi.yaml, over HTTPS."""
