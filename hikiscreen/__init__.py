"""HikiScreen: a screening aid for prolonged social withdrawal (never a diagnosis)."""
