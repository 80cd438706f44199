"""Pydantic schemas shared by every layer: these are biovista's file formats."""
