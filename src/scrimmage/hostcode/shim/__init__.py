"""Modules every host metric file can import: this folder is put on its import path (see hostmetric)."""
