"""The home page, the dashboard (« tableau de bord ») and the « Nouvelle démarche » menu."""
