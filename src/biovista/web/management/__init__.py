"""The management app: home, admin and groups, sharing, import, samples and pipelines pages."""
