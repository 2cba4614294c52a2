"""The HTTP gateway and the collector: the only parts users talk to. No NLP packages here."""
