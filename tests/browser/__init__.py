"""Tests in a real Chromium: see conftest.py."""
