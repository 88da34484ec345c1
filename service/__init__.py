"""The one place where anything is written: each action takes the acting account, checks its permission,
does the work and records the audit row in the same transaction. Pages and ``ui/`` call this and nothing else
that writes. Imports only the domain and storage (never the loader or Streamlit)."""
