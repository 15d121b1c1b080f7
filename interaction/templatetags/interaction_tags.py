"""``{% consultation_comments page %}``: what a consultation page shows of its
comments: the count, the adoption summary once tagged, and the texts where the
consultation says so (names masked, contacts never) with the site's replies. The
themed consultation page places it and links to the comment form itself."""

from django import template

from interaction.masking import mask_name, mask_text
from interaction.selectors import comment_public_texts, comment_summary

register = template.Library()


@register.inclusion_tag("interaction/tags/consultation_comments.html")
def consultation_comments(page):
    summary = comment_summary(consultation=page)
    texts = []
    if page.show_comment_texts:
        texts = [
            {
                "name": mask_name(comment.name),
                "text": mask_text(comment.text),
                "submitted_at": comment.submitted_at,
                "adoption": comment.get_adoption_display(),
                "reply": comment.reply,
                "replied_at": comment.replied_at,
            }
            for comment in comment_public_texts(consultation=page)
        ]
    return {
        "page": page,
        "summary": summary,
        "tagged": summary["adopted"] + summary["partly"] + summary["not_adopted"],
        "texts": texts,
    }
