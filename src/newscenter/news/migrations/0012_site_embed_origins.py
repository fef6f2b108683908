import newscenter.news.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('news', '0011_desk'),
    ]

    operations = [
        migrations.AddField(
            model_name='sitesettings',
            name='embed_origins',
            field=models.JSONField(blank=True, default=list, help_text='The sites that may show the news widget (https://www.example.com), one a line; none: any site may.', validators=[newscenter.news.models.validate_origins], verbose_name='embed origins'),
        ),
    ]
