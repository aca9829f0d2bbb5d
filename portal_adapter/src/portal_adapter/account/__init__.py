"""« Mon compte »: the person's own rights over their account (docs/account-deletion.md,
docs/personal-data-export.md): « Supprimer mon compte » and « Télécharger mes données »."""
