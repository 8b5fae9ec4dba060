"""WTForms for the small staff forms: CSRF and plumbing only; the rules live in the domain."""
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


class TokenForm(FlaskForm):
    label = StringField("What the token is for (e.g. 'hospital CMS')")


class AccountForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired()])
    role = SelectField("Role", choices=[SelectChoice("center_editor", "Center editor"),
                                        SelectChoice("admin", "Admin")])
    center_id = SelectField("Center (for a center editor)", coerce=str, choices=[])
