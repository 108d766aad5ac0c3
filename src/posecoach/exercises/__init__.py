"""The exercise catalogue as data (TOML), its loader, profiles and user overrides."""
