"""The organisation's identity: who issues the documents, where, signed by whom, with which
logo."""
