"""内容检查: sensitive words and serious wording errors checked before publishing."""
