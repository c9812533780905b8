"""Legacy profile -> Cognito attributes, validated before anything is returned to Cognito.

``attributes`` holds Cognito's attribute rules, ``contact`` the e-mail and phone checks, ``identity`` the
pool's username model (email as username, aliases, case), ``mapper`` the composition of the three.
"""

from cognito_migrate.mapping.identity import UsernameModel
from cognito_migrate.mapping.mapper import AttributeMapper, MappedProfile

__all__ = ["AttributeMapper", "MappedProfile", "UsernameModel"]
