"""The legal pages, public and linked from every page's footer (the portal's and the login
theme's): « Accessibilité » (the RGAA statement), « Mentions légales », « Données personnelles »."""
