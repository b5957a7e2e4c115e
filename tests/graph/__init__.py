"""Tests of matchmaker.graph."""
