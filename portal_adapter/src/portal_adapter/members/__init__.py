"""A structure's members: « Gestion des utilisateurs » (rules and views), the generated login
identifier, the structure lock, the activation e-mail sent again."""
